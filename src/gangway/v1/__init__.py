"""The v1 view of Connect: v1 wire conventions and v1 Accounts over the same store, services
and requirements engine as v2 (one account, two views). Pure translation modules
(``accounts_params``, ``render``, ``requirement_fields``) and one thin edge (``routes``)."""
