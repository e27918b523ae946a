"""The subscribers' HTTP API (`/api/v1/`, `/api/openapi.json`): docs/api.md."""
