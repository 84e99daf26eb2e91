"""Pages of the working-day calendar, one module per audience (calendar_admin: its keepers)."""
