"""The pure domain: no HTTP, SQL, templates or sockets in here."""
