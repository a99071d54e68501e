"""WhatsApp numbers on Evolution servers: validated create/update/delete and the connection state (`records`), and
what the list and API show of them (`overview`)."""
