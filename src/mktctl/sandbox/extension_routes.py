"""The extension API as a FastAPI sub-application mounted at ``/mktctl/ext/v1``, with its OpenAPI document.

Every route goes through the sandbox's one dispatcher (the same envelope, token check and faults as the
public API); the request models of ``mktctl.sandbox.extension`` describe the bodies in the document.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import Response

from mktctl.sandbox import consent_records, content_items, definitions, member_records, messages
from mktctl.sandbox import extension as x
from mktctl.sandbox.auth import CallContext

Dispatch = Callable[..., Any]


def _messages(ctx: CallContext) -> dict[str, Any]:
    since, to_user = ctx.data.get("since", 0), ctx.data.get("toUser")
    if isinstance(since, bool) or not isinstance(since, int):
        since = 0
    return {"data": {"messages": messages.recorded(ctx, since, to_user if isinstance(to_user, str) else None)}}


#: path, handler, summary, request model: the calls that do not depend on a setting kind
_DEFINITIONS: tuple[tuple[str, Callable[[CallContext], dict[str, Any]], str, type[Any]], ...] = (
    ("/fields/list", definitions.field_list, "List the fields a tenant defined on an object", x.FieldListRequest),
    ("/fields/upsert", definitions.field_upsert, "Define a custom field, or relabel, require or give options to a "
                                                 "standard one", x.FieldUpsertRequest),
    ("/fields/delete", definitions.field_delete, "Delete a custom field (and its values)", x.FieldDeleteRequest),
    ("/objects/list", definitions.object_list, "List the tenant's custom objects with their fields", x.ListRequest),
    ("/objects/upsert", definitions.object_upsert, "Define a custom object (…__c)", x.ObjectUpsertRequest),
    ("/objects/delete", definitions.object_delete, "Delete a custom object that has no records",
     x.ObjectDeleteRequest),
    ("/messages/list", _messages, "List the messages sent with /cgi/message/send", x.MessageListRequest),
    *consent_records.ROUTES, *member_records.ROUTES, *content_items.ROUTES,
)


def extension_app(ext: x.Extension, dispatch: Dispatch) -> FastAPI:
    sub = FastAPI(
        title="mktctl sandbox extension API",
        version="1",
        description=(
            "What the public FxiaoKe open API does not expose: marketing settings (against a real tenant they are "
            "manual steps), the definition of a tenant's custom fields and custom objects (made in the admin "
            "console on the platform), and the messages sent with /cgi/message/send. Served only by the mktctl "
            "sandbox. Same envelope (errorCode, errorMessage, errorDescription, traceId) and same corpAccessToken "
            "as the public API, given in the body (corpAccessToken, corpId, currentOpenUserId) or as a Bearer "
            "header.\n\nKinds: " + ", ".join(f"`{k}`" for k in ext.catalog.names())
        ),
        docs_url=None,
        redoc_url=None,
        servers=[{"url": x.PREFIX, "description": "the extension API's prefix on the sandbox"}],
    )
    models: list[type[Any]] = [x.ListRequest, x.UpsertRequest, x.DeleteRequest,
                               *(model for *_, model in _DEFINITIONS)]

    def body_schema(model: type[Any]) -> dict[str, Any]:
        ref = {"$ref": f"#/components/schemas/{model.__name__}"}
        return {"requestBody": {"required": True, "content": {"application/json": {"schema": ref}}}}

    def openapi() -> dict[str, Any]:
        """FastAPI's document, with the request models under components (their $refs resolve there)."""
        if sub.openapi_schema is None:
            schema = get_openapi(title=sub.title, version=sub.version, description=sub.description,
                                 routes=sub.routes, servers=sub.servers)
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            for model in dict.fromkeys(models):
                definition = model.model_json_schema(ref_template="#/components/schemas/{model}")
                components.update(definition.pop("$defs", {}))
                components[model.__name__] = definition
            sub.openapi_schema = schema
        return sub.openapi_schema

    sub.openapi = openapi  # type: ignore[method-assign]

    def fixed(path: str, handler: Callable[[CallContext], dict[str, Any]]) -> Callable[..., Any]:
        async def endpoint(request: Request) -> Response:
            return await dispatch(request, f"{x.PREFIX}{path}", handler)  # type: ignore[no-any-return]

        return endpoint

    def by_kind(verb: str) -> Callable[..., Any]:
        async def endpoint(request: Request, kind: str) -> Response:
            handler = getattr(ext, verb)
            return await dispatch(  # type: ignore[no-any-return]
                request, f"{x.PREFIX}/settings/{kind}/{verb}", lambda ctx: handler(ctx, kind))

        return endpoint

    sub.add_api_route("/capabilities", fixed("/capabilities", ext.capabilities), methods=["POST"],
                      summary="List the kinds this sandbox has", openapi_extra=body_schema(x.ListRequest))
    for verb, summary, model in (("list", "List a kind's settings", x.ListRequest),
                                 ("upsert", "Create or replace a setting by its key", x.UpsertRequest),
                                 ("delete", "Delete a setting by natural key", x.DeleteRequest)):
        sub.add_api_route(f"/settings/{{kind}}/{verb}", by_kind(verb), methods=["POST"], summary=summary,
                          openapi_extra=body_schema(model))
    for path, handler, summary, model in _DEFINITIONS:
        sub.add_api_route(path, fixed(path, handler), methods=["POST"], summary=summary,
                          openapi_extra=body_schema(model))
    return sub
