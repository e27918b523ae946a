"""The site's own WebSub hub (W3C WebSub): subscribers are told the moment a feed changes.

`hub` answers subscription requests at `POST /websub` and checks each subscriber's intent;
`publisher` watches the site's feeds and sends each changed feed to its subscribers;
`callbacks` is the one HTTP client both use, behind the same address guard as the poller.
"""
