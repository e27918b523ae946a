"""The public website: one Starlette application, one handler per page type, server-rendered
templates, the site's own static files, and the security headers every response carries."""
