"""(being written)"""

ROWS: list = []


def world_values(world) -> dict:
    return {}
