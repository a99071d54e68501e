"""WhatsApp numbers on Evolution servers: validated create/update/delete and the stored state (`records`), what a
state change does to their campaigns (`connection`), and what the list and API show of them (`overview`)."""
