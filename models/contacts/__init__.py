"""Contacts and lists a user keeps between campaigns (issue 14).

- `contacts`: search, filter by tag or list, edit, delete, export; tags;
- `lists`: named sets of contacts and their members;
- `importing`: a CSV or XLSX into a list through the recipients pipeline (same reading, mapping, screening, report);
- `_bulk`: the driver-level upsert of contacts and memberships (the only SQL that differs by engine here);
- `audience`: what a campaign's lists give (the preview before Start, and the freeze at Start).
"""
