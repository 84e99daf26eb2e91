"""Pages of notifications, one module per audience (inbox: the person the messages are for)."""
