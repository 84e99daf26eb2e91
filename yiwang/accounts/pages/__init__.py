"""Pages of accounts, one module per audience: signin and registration (visitors), profile
(the signed-in person)."""
