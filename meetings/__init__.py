"""General meetings: notice, agenda, attendance and quorum, proxies, votes in the room,
board elections and minutes. Uses `voting` for the votes (imports inside functions)."""
