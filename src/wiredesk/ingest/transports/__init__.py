"""How payloads reach wiredesk: polled over HTTP, read from files and drop folders, pushed."""
