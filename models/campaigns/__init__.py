"""Campaigns: the one lifecycle transition (`lifecycle`), field rules (`rules`), create/update/delete (`editing`),
user actions (`actions`), the list and statistics (`queries`), what the page shows (`view`, `progress`,
`live_progress`, `charts`, `send_history`), the form preview (`preview`), the test send (`test_send`), the CSV
report (`reports`) and the dashboard (`dashboard`)."""
