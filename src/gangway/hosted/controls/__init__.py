"""Controls: how one thing the form asks for is shown, read back and checked.

A control (``address``, ``date_of_birth``, ``id_numbers``...) becomes a group of inputs named by
the API's own bracketed param paths, so a validation error's ``param`` points straight at the
input to mark. ``model`` has the parts, ``build`` makes them from declarations, ``read`` turns a
submission back into the API's value and checks it, ``bank`` is the payout account.
"""
