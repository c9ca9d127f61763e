"""The seven departments of the operations regulation (§2), with their charters."""

from typing import TypedDict


class DepartmentSeed(TypedDict):
    """One department as the regulation describes it."""

    code: str
    name: str
    name_en: str
    charter: list[str]
    charter_en: list[str]


DEPARTMENTS: list[DepartmentSeed] = [
    {
        "code": "GMO",
        "name": "总经理办公室",
        "name_en": "General Manager's Office",
        "charter": [
            "负责公司整体运营的统筹规划与决策支持，制定公司发展战略和年度经营计划。",
            "协调各部门之间的工作关系，确保公司各项工作顺利开展。",
            "负责公司重要文件的起草、审核与发布，组织重要会议和活动。",
            "负责公司对外联络与公共关系维护，拓展业务合作渠道。",
        ],
        "charter_en": [
            "Plans the company's overall operations and supports decisions; sets the development strategy and the annual business plan.",
            "Coordinates the work between departments so that everything runs smoothly.",
            "Drafts, reviews and publishes important company documents; organizes important meetings and events.",
            "Handles external liaison and public relations and develops business partnerships.",
        ],
    },
    {
        "code": "RND",
        "name": "研发部",
        "name_en": "Research and Development",
        "charter": [
            "负责公司网络科技产品的研发与创新，制定技术研发计划并组织实施。",
            "开展技术研究与应用，攻克技术难题，提升公司产品的技术水平和竞争力。",
            "负责产品的技术选型、架构设计和代码开发，确保产品的质量和稳定性。",
            "与其他部门协作，提供技术支持和解决方案，满足公司业务发展需求。",
        ],
        "charter_en": [
            "Researches and develops the company's network technology products; plans and runs the R&D programme.",
            "Carries out technical research, solves hard technical problems and raises the products' competitiveness.",
            "Chooses technologies, designs the architecture and writes the code, ensuring quality and stability.",
            "Works with other departments to provide technical support and solutions for the business.",
        ],
    },
    {
        "code": "MKT",
        "name": "市场部",
        "name_en": "Marketing",
        "charter": [
            "负责市场调研与分析，了解行业动态和市场需求，为公司产品定位和营销策略制定提供依据。",
            "制定市场营销策略和推广计划，组织实施市场推广活动，提升公司品牌知名度和产品市场占有率。",
            "负责客户需求挖掘与分析，收集客户反馈信息，为产品优化和服务改进提供参考。",
            "拓展市场渠道，建立和维护与合作伙伴的良好关系，促进业务合作与发展。",
        ],
        "charter_en": [
            "Researches and analyses the market and industry trends as the basis for product positioning and marketing strategy.",
            "Sets marketing strategies and promotion plans and runs campaigns to raise brand awareness and market share.",
            "Uncovers and analyses customer needs and collects feedback for product and service improvement.",
            "Develops market channels and maintains good relations with partners.",
        ],
    },
    {
        "code": "SALES",
        "name": "销售部",
        "name_en": "Sales",
        "charter": [
            "负责公司产品的销售工作，制定销售计划并组织实施，完成销售目标。",
            "开拓销售市场，寻找潜在客户，建立客户关系，推动产品销售。",
            "与客户进行商务谈判，签订销售合同，确保销售业务的顺利完成。",
            "负责销售款项的催收，及时反馈销售过程中的问题和客户需求。",
        ],
        "charter_en": [
            "Sells the company's products; plans sales and meets the sales targets.",
            "Opens markets, finds prospects, builds customer relationships and drives sales.",
            "Negotiates with customers and signs sales contracts through to completion.",
            "Collects payments and reports problems and customer needs found while selling.",
        ],
    },
    {
        "code": "TS",
        "name": "技术支持部",
        "name_en": "Technical Support",
        "charter": [
            "负责为客户提供产品技术支持与售后服务，及时解决客户在使用产品过程中遇到的问题。",
            "收集和整理客户技术支持需求，反馈给研发部进行产品优化和改进。",
            "协助市场部和销售部进行产品演示和技术讲解，提升客户对产品的认知度和满意度。",
            "负责公司网络系统的日常维护与管理，保障系统的稳定运行和数据安全。",
        ],
        "charter_en": [
            "Provides technical support and after-sales service and solves customers' problems promptly.",
            "Collects customers' support needs and feeds them back to R&D for product improvement.",
            "Helps Marketing and Sales with product demonstrations and technical presentations.",
            "Maintains the company's network systems, keeping them stable and the data secure.",
        ],
    },
    {
        "code": "FIN",
        "name": "财务部",
        "name_en": "Finance",
        "charter": [
            "负责公司财务管理工作，制定财务管理制度和预算计划，确保公司财务工作规范有序。",
            "负责公司财务核算、报表编制和财务分析，为公司决策提供财务数据支持。",
            "负责资金筹集、调配与使用管理，合理控制资金成本，确保公司资金链的稳定。",
            "负责税务申报与缴纳，税务筹划与风险管理，维护公司税务合规。",
        ],
        "charter_en": [
            "Manages the company's finances; sets financial rules and budget plans.",
            "Keeps the accounts, prepares statements and financial analysis to support decisions.",
            "Raises, allocates and controls funds, keeping the cost of capital low and cash flow stable.",
            "Files and pays taxes, plans tax and manages tax risk to keep the company compliant.",
        ],
    },
    {
        "code": "HR",
        "name": "人力资源部",
        "name_en": "Human Resources",
        "charter": [
            "负责公司人力资源规划与招聘工作，根据公司发展需求，制定人力资源招聘计划并组织实施。",
            "负责员工培训与发展，制定培训计划，组织开展各类培训活动，提升员工素质和能力。",
            "负责员工绩效管理与薪酬福利管理，建立科学合理的绩效考核体系和薪酬福利制度，激励员工积极工作。",
            "负责员工关系管理，处理员工投诉、劳动纠纷等问题，维护公司良好的工作氛围。",
        ],
        "charter_en": [
            "Plans human resources and recruitment according to the company's needs.",
            "Trains and develops employees through training plans and activities.",
            "Runs performance management, pay and benefits, with a fair appraisal system that motivates staff.",
            "Manages employee relations, handles complaints and labour disputes, and keeps a good working climate.",
        ],
    },
]
