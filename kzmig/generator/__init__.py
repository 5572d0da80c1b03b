"""The synthetic world of coupon extracts (`kzmig generate`)."""

from kzmig.generator.world import MANIFEST, generate_world

__all__ = ["MANIFEST", "generate_world"]
