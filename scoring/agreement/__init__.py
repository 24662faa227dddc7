"""The agreement: drafts of a session, saved versions, sign-off, and the sign-off sheet (HTML, Markdown)."""
