"""The OpenAPI schema tells the truth: the ranges, enums, lengths and cross-field rules the domain checks.

The JSON Structs stay permissive (the domain rules answer each broken rule with a field-level message), so
Litestar's generated schema would promise more than the API accepts. `refine_openapi` runs once at startup
and declares those rules from the same constants the rules use (and `ARAUTO_MAX_RATE` from the settings),
forbids unknown fields where the Structs forbid them, and names the Bearer scheme every /api route needs.
"""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.openapi.spec import Components, OpenAPI, Parameter, Schema, SecurityScheme
from litestar.openapi.spec.enums import OpenAPIType

from models.accounts.users import SUPPORTED_LOCALES
from models.campaigns.actions import USER_ACTION_NAMES
from models.campaigns.queries import SORT_COLUMNS, SORT_ORDERS
from models.campaigns.rules import (
    MAX_FILE_NAME_LENGTH,
    MAX_MEDIA_URL_LENGTH,
    MAX_NAME_LENGTH,
    MAX_RETRIES_LIMIT,
    MEDIA_TYPES,
    MEDIA_URL_PATTERN,
)
from models.contacts.contacts import MAX_ATTRIBUTES, MAX_TAGS, MAX_VALUE_LENGTH
from models.contacts.importing import ImportMode
from models.contacts.lists import MAX_NAME_LENGTH as MAX_LIST_NAME_LENGTH
from models.instances.records import SERVER_URL_PATTERN
from models.rendering import MAX_MESSAGE_LENGTH
from models.statuses import CampaignStatus, MessageStatus
from settings import Settings
from views.bounds import INT_MAX
from views.schemas import MAX_CAMPAIGN_LISTS, PHONE_DIGITS_MAX

NO_NUL = r"^[^\x00]*$"  # PostgreSQL text cannot hold NUL (views/bounds.py refuses it)
NOT_BLANK = r"^[^\x00]*[^\s\x00][^\x00]*$"
HTTP_URL = MEDIA_URL_PATTERN
SERVER_URL = SERVER_URL_PATTERN
API_KEY = "^[ -~]*[!-~][ -~]*$"  # printable ASCII (it travels in a header), not blank
KEEP_OR_API_KEY = "^[ -~]*$"  # on update a blank key keeps the stored one
STRICT_BODIES = (
    "AccountUpdate", "ActionBody", "CampaignCreate", "CampaignUpdate", "ContactIn", "ContactUpdate", "InstanceCreate",
    "InstanceInput", "ListIn", "OptOutIn", "RecipientIn", "TemplateWrite",
)  # fmt: skip
TAG = r"^\s*[A-Za-z0-9_-]{0,40}\s*$"  # lower-cased and trimmed by the rules; an empty one is dropped
BEARER = "BearerToken"


def _string(**rules: Any) -> Schema:
    return Schema(type=OpenAPIType.STRING, **{"pattern": NO_NUL, **rules})


def _no_nul(schema: Any) -> None:
    """Text that may not hold NUL, in a string schema or any arm of a union."""
    if not isinstance(schema, Schema):
        return
    if schema.type == OpenAPIType.STRING and schema.enum is None and schema.pattern is None:
        schema.pattern = NO_NUL
    for arm in schema.one_of or []:
        _no_nul(arm)


def _id() -> Schema:
    return Schema(type=OpenAPIType.INTEGER, minimum=1, maximum=INT_MAX)


def _media_rules() -> Schema:
    """Media is all or nothing: an http(s) URL with its type, or neither."""
    return Schema(
        one_of=[
            Schema(properties={"mediaUrl": _string(max_length=0), "mediaType": _string(max_length=0)}),
            Schema(
                required=["mediaUrl", "mediaType"],
                properties={
                    "mediaUrl": _string(pattern=HTTP_URL, max_length=MAX_MEDIA_URL_LENGTH),
                    "mediaType": _string(enum=list(MEDIA_TYPES)),
                },
            ),
        ]
    )


def _something_to_send(text_field: str, *, template: bool) -> Schema:
    """A message needs text, media or (campaigns) a template that supplies them."""
    options = [
        Schema(required=[text_field], properties={text_field: _string(pattern=NOT_BLANK)}),
        Schema(required=["mediaUrl"], properties={"mediaUrl": _string(min_length=1)}),
    ]
    if template:
        options.append(Schema(required=["templateId"], properties={"templateId": Schema(type=OpenAPIType.INTEGER)}))
    return Schema(any_of=options)


def _refine_campaign(schema: Schema, max_rate: int, *, creating: bool) -> None:
    props = schema.properties or {}
    props["name"] = _string(pattern=NOT_BLANK, max_length=MAX_NAME_LENGTH)
    props["message"] = _string(max_length=MAX_MESSAGE_LENGTH)
    props["mediaFilename"] = _string(max_length=MAX_FILE_NAME_LENGTH)
    props["rateLimit"] = Schema(type=OpenAPIType.INTEGER, minimum=1, maximum=max_rate)
    props["maxRetries"] = Schema(type=OpenAPIType.INTEGER, minimum=0, maximum=MAX_RETRIES_LIMIT)
    props["templateId"] = _nullable(_id(), nullable=True)
    props["instanceId"] = _id() if creating else _nullable(_id(), nullable=False)
    if creating:
        recipients = props.get("recipients")
        if isinstance(recipients, Schema):
            recipients.min_items = 1
        schema.required = ["instanceId", "name", "recipients"]
        schema.all_of = [_media_rules(), _something_to_send("message", template=True)]


def _nullable(schema: Schema, *, nullable: bool) -> Schema:
    return Schema(one_of=[schema, Schema(type=OpenAPIType.NULL)]) if nullable else schema


def _refine_instance(schema: Schema, max_rate: int, *, creating: bool) -> None:
    """On create the four texts are required; on update null (or absent) keeps the stored value."""
    texts = {
        "name": _string(pattern=NOT_BLANK, max_length=100),
        "serverUrl": _string(pattern=SERVER_URL, max_length=500),
        "apiKey": _string(pattern=API_KEY if creating else KEEP_OR_API_KEY, max_length=500),
        "instanceName": _string(pattern=NOT_BLANK, max_length=100),
    }
    numbers = {
        "ratePerMinute": Schema(type=OpenAPIType.INTEGER, minimum=1, maximum=max_rate),
        "jitterPercent": Schema(type=OpenAPIType.INTEGER, minimum=0, maximum=100),
        "dailyCap": Schema(type=OpenAPIType.INTEGER, minimum=1, maximum=INT_MAX),
    }
    props = schema.properties or {}
    for name, rule in texts.items():
        props[name] = _nullable(rule, nullable=not creating)
    for name, rule in numbers.items():
        props[name] = _nullable(rule, nullable=True)
    schema.required = sorted(texts) if creating else []


def _refine_template(schema: Schema) -> None:
    props = schema.properties or {}
    props["name"] = _string(pattern=NOT_BLANK, max_length=MAX_NAME_LENGTH)
    props["body"] = _string(max_length=MAX_MESSAGE_LENGTH)
    schema.required = ["name"]
    schema.all_of = [_media_rules(), _something_to_send("body", template=False)]


def _refine_contact(schema: Schema, *, creating: bool) -> None:
    """Attributes are named scalars (their text at most MAX_VALUE_LENGTH); tags are words; on update null keeps."""
    value = Schema(
        one_of=[
            _string(max_length=MAX_VALUE_LENGTH),
            Schema(type=OpenAPIType.NUMBER),
            Schema(type=OpenAPIType.BOOLEAN),
            Schema(type=OpenAPIType.NULL),
        ]
    )
    attributes = Schema(
        type=OpenAPIType.OBJECT,
        max_properties=MAX_ATTRIBUTES,
        property_names=_string(pattern=NOT_BLANK, max_length=100),
        additional_properties=value,
    )
    tags = Schema(type=OpenAPIType.ARRAY, max_items=MAX_TAGS, items=_string(pattern=TAG, max_length=40))
    props = schema.properties or {}
    props["attributes"] = _nullable(attributes, nullable=not creating)
    props["tags"] = _nullable(tags, nullable=not creating)
    if creating:
        props["phone"] = _string(pattern=NOT_BLANK, max_length=64)
        schema.required = ["phone"]


def _campaign_lists(schema: Schema) -> None:
    """`listIds` / `excludeListIds`: ids of the user's lists (a list that is not theirs is a 404)."""
    props = schema.properties or {}
    for name in ("listIds", "excludeListIds"):
        props[name] = Schema(type=OpenAPIType.ARRAY, max_items=MAX_CAMPAIGN_LISTS, items=_id())


def _refine_bodies(components: dict[str, Any], settings: Settings) -> None:
    for name in STRICT_BODIES:
        schema = components.get(name)
        if isinstance(schema, Schema):
            schema.additional_properties = False
            for prop in (schema.properties or {}).values():
                _no_nul(prop)
    _refine_campaign(components["CampaignCreate"], settings.max_rate, creating=True)
    _refine_campaign(components["CampaignUpdate"], settings.max_rate, creating=False)
    _refine_instance(components["InstanceCreate"], settings.max_rate, creating=True)
    _refine_instance(components["InstanceInput"], settings.max_rate, creating=False)
    _refine_template(components["TemplateWrite"])
    _refine_contact(components["ContactIn"], creating=True)
    _refine_contact(components["ContactUpdate"], creating=False)
    _campaign_lists(components["CampaignCreate"])
    _campaign_lists(components["CampaignUpdate"])
    components["ListIn"].properties["name"] = _string(pattern=NOT_BLANK, max_length=MAX_LIST_NAME_LENGTH)
    components["ListIn"].required = ["name"]
    components["AccountUpdate"].properties["locale"] = _nullable(_string(enum=list(SUPPORTED_LOCALES)), nullable=True)
    components["ActionBody"].properties["action"] = _string(enum=list(USER_ACTION_NAMES))
    components["OptOutIn"].properties["note"] = _string(max_length=500)
    for name in ("InstanceInput", "InstanceCreate"):
        if name in components and components[name].properties and "costPerMessage" in components[name].properties:
            components[name].properties["costPerMessage"] = Schema(  # read exactly from a decimal string or a number
                one_of=[
                    Schema(type=OpenAPIType.STRING, pattern=r"^\d{1,8}(\.\d{1,4})?$"),
                    Schema(type=OpenAPIType.NUMBER, minimum=0, maximum=99_999_999),
                    Schema(type=OpenAPIType.NULL),
                ]
            )
    components["RecipientIn"].properties["phone"] = Schema(
        one_of=[_string(), Schema(type=OpenAPIType.INTEGER, minimum=0, maximum=PHONE_DIGITS_MAX)]
    )


QUERY_ENUMS: dict[tuple[str, str], list[str]] = {
    ("/api/campaigns", "status"): ["", *CampaignStatus, *(s.lower() for s in CampaignStatus)],
    ("/api/campaigns", "sortBy"): list(SORT_COLUMNS),
    ("/api/campaigns", "sortOrder"): list(SORT_ORDERS),
    ("/api/campaigns/{campaign_id}/recipients", "status"): [*MessageStatus, *(s.lower() for s in MessageStatus)],
    ("/api/lists/{list_id}/contacts", "mode"): ["", *ImportMode, *(m.upper() for m in ImportMode)],
}


def _refine_queries(openapi: OpenAPI) -> None:
    """Enums where the rules allow a fixed set; no NUL in any other text."""
    for path, item in (openapi.paths or {}).items():
        for operation in (item.get, item.post, item.put, item.patch, item.delete):
            for parameter in (operation.parameters or []) if operation else []:
                if not isinstance(parameter, Parameter) or not isinstance(parameter.schema, Schema):
                    continue
                values = QUERY_ENUMS.get((path, parameter.name))
                if values is not None:
                    parameter.schema.enum = [str(v) for v in values]
                else:
                    _no_nul(parameter.schema)


def _declare_bearer(openapi: OpenAPI) -> None:
    components = openapi.components if isinstance(openapi.components, Components) else Components()
    components.security_schemes = {
        **(components.security_schemes or {}),
        BEARER: SecurityScheme(type="http", scheme="bearer", description="An API token from the account page"),
    }
    openapi.components = components
    for path, item in (openapi.paths or {}).items():
        if not path.startswith("/api/"):
            continue
        for method in ("get", "post", "put", "delete", "patch"):
            operation = getattr(item, method, None)
            if operation is not None:
                operation.security = [{BEARER: []}]


def refine_openapi(app: Litestar) -> None:
    """On startup, before the schema is first served (Litestar caches it)."""
    settings: Settings = app.state.settings
    openapi = app.openapi_schema
    components = openapi.components.schemas if isinstance(openapi.components, Components) else None
    if components:
        _refine_bodies(components, settings)
    _refine_queries(openapi)
    _declare_bearer(openapi)
