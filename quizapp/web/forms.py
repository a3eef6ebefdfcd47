"""Forms shared by several pages."""

from flask_wtf import FlaskForm


class ActionForm(FlaskForm):
    """A form that carries nothing but its CSRF token: a button that changes something."""
