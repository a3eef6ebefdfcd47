"""(being written)"""

from flask import Blueprint

bp = Blueprint("teach", __name__, url_prefix="/teach")
