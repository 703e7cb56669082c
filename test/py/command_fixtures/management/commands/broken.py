"""A command module that can't be imported."""

raise ImportError("this command's module is broken")
