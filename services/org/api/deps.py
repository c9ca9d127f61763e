"""Dependencies shared by the org routers."""

from typing import Annotated

from fastapi import Depends

from shared.contracts.principal import Principal
from shared.kit.auth import CurrentPrincipal
from shared.kit.errors import Forbidden


async def directory_reader(principal: CurrentPrincipal) -> Principal:
    """Every person (and clients with org:read) may read the directory and the org chart."""
    if principal.kind == "client" and not principal.can_read("org"):
        raise Forbidden("this client lacks the scope org:read", code="insufficient_scope")
    return principal


Reader = Annotated[Principal, Depends(directory_reader)]
