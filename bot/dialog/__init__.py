"""The conversation engine: (user, input) -> replies. Knows no transport."""
