"""Contacts and lists pages: search and filter contacts (by number, attribute, tag, list), edit, delete, export;
lists with their sizes, created here and filled through the import wizard (views/contacts/list_import.py)."""

from __future__ import annotations

from dataclasses import dataclass

from litestar import Response, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template

from models.contacts import contacts, lists, removal
from models.contacts.contacts import ContactFilter, contact_json
from models.contacts.history import contact_history
from models.errors import ValidationFailed
from views.deps import AnyRequest, AppClock, SignedInUser
from views.guards import SignedInPages
from views.i18n import _
from views.redirects import success_redirect

PAGE_SIZE = 50


@dataclass
class ContactForm:
    attributes: str = ""  # one "name = value" per line
    tags: str = ""


@dataclass
class ListForm:
    name: str = ""


def attributes_text(attributes: dict[str, str]) -> str:
    return "\n".join(f"{name} = {value}" for name, value in attributes.items())


def parse_attributes(text: str) -> dict[str, str]:
    """`name = value` lines (blank lines ignored); a line without `=` is a 422 naming it."""
    found: dict[str, str] = {}
    for number, line in enumerate(text.splitlines()[: contacts.MAX_ATTRIBUTES + 1], start=1):
        if not line.strip():
            continue
        name, sep, value = line.partition("=")
        if not sep:
            raise ValidationFailed({"attributes": _("Line %(n)s has no “=”: write name = value.") % {"n": number}})
        found[name.strip()] = value.strip()
    return found


async def contact_filter(
    search: FromQuery[str] = "",
    tag: FromQuery[str] = "",
    list_id: FromQuery[int | None] = None,
    offset: FromQuery[int] = 0,
) -> ContactFilter:
    """The page's filters from its query (the list page and its export read the same ones)."""
    return ContactFilter(search=search[:100], tag=tag[:40], list_id=list_id, limit=PAGE_SIZE, offset=max(0, offset))


async def _edit_page(
    contact_id: int, owner_id: int, refused: ContactForm | None = None, errors: dict[str, str] | None = None
) -> Template:
    """The contact's edit page: the stored values, or the `refused` form again (422) with the reasons beside it."""
    contact = contact_json(await contacts.get_contact(contact_id, owner_id=owner_id))
    form = refused or ContactForm(attributes=attributes_text(contact["attributes"]), tags=" ".join(contact["tags"]))
    history = await contact_history(contact_id, owner_id=owner_id)
    context = {"contact": contact, "form": form, "errors": errors or {}, "history": history}
    return Template("contacts/edit.html", context=context, status_code=200 if refused is None else 422)


class ContactPages(SignedInPages):
    path = "/contacts"
    dependencies = {"contact_query": Provide(contact_filter)}

    @get("/", name="contact_list")
    async def list_(self, current_user: SignedInUser, contact_query: NamedDependency[ContactFilter]) -> Template:
        page = await contacts.list_contacts(current_user.id, contact_query)  # an impossible tag finds nobody
        context = {
            "page": page,
            "rows": [contact_json(c) for c in page.items],
            "query": contact_query,
            "lists": await lists.list_lists(owner_id=current_user.id),
            "page_size": PAGE_SIZE,
        }
        return Template("contacts/list.html", context=context)

    @get("/export.csv", name="contact_export")
    async def export(self, current_user: SignedInUser, contact_query: NamedDependency[ContactFilter]) -> Response[str]:
        """The filtered contacts as a CSV that imports again (phone, tags, one column per attribute)."""
        body = await contacts.export_csv(current_user.id, contact_query)
        headers = {"Content-Disposition": 'attachment; filename="contacts.csv"'}
        return Response(body, media_type="text/csv; charset=utf-8", headers=headers)

    @get("/{contact_id:int}/edit", name="contact_edit")
    async def edit(self, contact_id: FromPath[int], current_user: SignedInUser) -> Template:
        return await _edit_page(contact_id, current_user.id)

    @post("/{contact_id:int}/edit", name="contact_update")
    async def update(
        self,
        request: AnyRequest,
        contact_id: FromPath[int],
        data: URLEncodedBody[ContactForm],
        current_user: SignedInUser,
        clock: AppClock,
    ) -> Template | Redirect:
        """Bad attributes or tags re-render the form (422) with the reason beside the field."""
        try:
            await contacts.update_contact(
                contact_id,
                owner_id=current_user.id,
                attributes=parse_attributes(data.attributes),
                tags=data.tags,
                now=clock.now(),
            )
        except ValidationFailed as invalid:
            return await _edit_page(contact_id, current_user.id, data, invalid.errors)
        return success_redirect(request, _("Contact saved."), "contact_list")

    @post("/{contact_id:int}/delete", name="contact_delete")
    async def delete(self, request: AnyRequest, contact_id: FromPath[int], current_user: SignedInUser) -> Redirect:
        await removal.delete_contact(contact_id, owner_id=current_user.id)
        return success_redirect(
            request, _("Contact deleted; campaign reports keep what was sent, without the number."), "contact_list"
        )


class ListPages(SignedInPages):
    path = "/lists"

    @get("/", name="list_list")
    async def list_(self, current_user: SignedInUser) -> Template:
        found = await lists.list_lists(owner_id=current_user.id)
        return Template("contacts/lists.html", context={"lists": found, "form": ListForm(), "errors": {}})

    @post("/", name="list_create")
    async def create(
        self, request: AnyRequest, data: URLEncodedBody[ListForm], current_user: SignedInUser, clock: AppClock
    ) -> Template | Redirect:
        try:
            created = await lists.create_list(data.name, owner_id=current_user.id, now=clock.now())
        except ValidationFailed as invalid:
            found = await lists.list_lists(owner_id=current_user.id)
            context = {"lists": found, "form": data, "errors": invalid.errors}
            return Template("contacts/lists.html", context=context, status_code=422)
        return Redirect(request.app.route_reverse("list_upload", list_id=created.id), status_code=303)

    @post("/{list_id:int}/delete", name="list_delete")
    async def delete(self, request: AnyRequest, list_id: FromPath[int], current_user: SignedInUser) -> Redirect:
        await lists.delete_list(list_id, owner_id=current_user.id)
        return success_redirect(request, _("List deleted; its contacts stay."), "list_list")
