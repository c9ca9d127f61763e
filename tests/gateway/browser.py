"""A headless Chromium driven by Selenium, and what the tests read from it.

Needs ``/usr/bin/chromium`` and ``/usr/bin/chromedriver`` (Debian packages ``chromium`` and
``chromium-driver``) and the ``selenium`` package; nothing is downloaded.
"""

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.remote.webelement import WebElement

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1400,1000",
)


@contextmanager
def chromium(profile: Path) -> Iterator["WebDriver"]:
    """A headless Chromium with a fresh profile, logging its network activity."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    try:
        yield driver
    finally:
        driver.quit()


@dataclass
class NetworkLog:
    """What a page fetched, from Chromium's performance log.

    Only requests made by documents under ``origin`` count: Chromium's own start-up pages
    (the new-tab page tries the internet) are not the page's business.
    """

    origin: str
    urls: dict[str, str] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)

    def read(self, driver: "WebDriver") -> None:
        """Take in the log entries written since the last read."""
        for entry in driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            params: dict[str, Any] = message.get("params", {})
            method = message.get("method")
            if method == "Network.requestWillBeSent":
                if str(params.get("documentURL", "")).startswith(self.origin):
                    self.urls[params["requestId"]] = params["request"]["url"]
            elif method == "Network.responseReceived":
                self.statuses[params["requestId"]] = params["response"]["status"]
            elif method == "Network.loadingFailed":
                self.failures[params["requestId"]] = params.get("errorText", "")

    def fetched(self) -> set[str]:
        """Every URL the page requested."""
        return set(self.urls.values())

    def failed(self) -> list[str]:
        """The page's requests that did not succeed: network errors and 4xx/5xx answers."""
        failed = [
            f"{url}: {self.failures[rid]}" for rid, url in self.urls.items() if rid in self.failures
        ]
        failed += [
            f"{url}: HTTP {self.statuses[rid]}"
            for rid, url in self.urls.items()
            if self.statuses.get(rid, 0) >= 400
        ]
        return failed


def click(driver: "WebDriver", element: "WebElement") -> None:
    """Scroll ``element`` into view and click it."""
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    element.click()


def shown_paths(driver: "WebDriver") -> list[str]:
    """The paths of the operations Swagger UI shows."""
    from selenium.webdriver.common.by import By

    return [
        element.get_attribute("data-path") or ""
        for element in driver.find_elements(By.CSS_SELECTOR, ".opblock-summary-path")
    ]


def operation(driver: "WebDriver", path: str, method: str = "get") -> "WebElement":
    """The Swagger UI block of one operation."""
    from selenium.webdriver.common.by import By

    return driver.find_element(
        By.XPATH,
        f"//div[contains(@class, 'opblock-{method}')]"
        f"[.//*[contains(@class, 'opblock-summary-path') and @data-path='{path}']]",
    )


def authorize(driver: "WebDriver", username: str, password: str) -> str:
    """Log in through the Authorize dialog (OAuth2 password flow); the dialog's text after."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    click(driver, driver.find_element(By.CSS_SELECTOR, ".auth-wrapper button.authorize"))
    dialog = WebDriverWait(driver, 10).until(
        lambda d: d.find_element(By.CSS_SELECTOR, ".auth-container")
    )
    dialog.find_element(By.ID, "oauth_username").send_keys(username)
    dialog.find_element(By.ID, "oauth_password").send_keys(password)
    click(driver, dialog.find_element(By.CSS_SELECTOR, "button.authorize"))
    WebDriverWait(driver, 15).until(
        lambda d: d.find_element(
            By.XPATH,
            "//div[contains(@class, 'auth-container')]//button[normalize-space()='Logout']",
        )
    )
    text = str(driver.find_element(By.CSS_SELECTOR, ".auth-container").text)
    click(driver, driver.find_element(By.CSS_SELECTOR, ".auth-container button.btn-done"))
    return text


def try_it_out(driver: "WebDriver", path: str) -> tuple[str, str]:
    """Open an operation, Try it out, Execute; the status and body Swagger UI shows."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    click(driver, operation(driver, path).find_element(By.CSS_SELECTOR, ".opblock-summary"))
    click(
        driver,
        WebDriverWait(driver, 10).until(
            lambda d: operation(d, path).find_element(By.CSS_SELECTOR, ".try-out__btn")
        ),
    )
    click(driver, operation(driver, path).find_element(By.CSS_SELECTOR, "button.execute"))
    status = WebDriverWait(driver, 20).until(
        lambda d: operation(d, path).find_element(
            By.CSS_SELECTOR, ".live-responses-table .response .response-col_status"
        )
    )
    body = operation(driver, path).find_element(
        By.CSS_SELECTOR, ".live-responses-table .response .response-col_description pre"
    )
    return str(status.text).strip(), str(body.text)
