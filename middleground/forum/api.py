"""(being written)"""

from ninja import Router

events_router = Router()
sessions_router = Router()
