"""The synthetic world of coupon extracts (`kzmig generate`).

Made-up coupons in the format of the extract spec, calibrated so that the warehouse,
evaluating each release of seeds/reference/release_calendar.csv at its own cut-off,
gives every figure of seeds/reference/published_figures.csv. The generator reads both
seeds at run time; the values the published figures leave open, the distributions and
the rates of messy rows are in world.toml.

- plan.py: the targets of each release cut-off (published, derived from a published
  change, or chosen in world.toml), and scaled plans for larger worlds;
- year.py: one year at coupon level: later versions first, then the coupons sent
  promptly solved so that every preliminary release gives its targets, late
  registrations solved for the revised release, every release re-evaluated;
- attributes.py: countries, regions, ethnic groups, citizenship, sex, age, reason,
  KATO codes, with exact quotas where a published figure fixes them;
- rows.py: one row per version, messy rows each made for a known outcome, values kept
  as unknown, formats of the older systems;
- writer.py: text (vectorised with Arrow and numpy) and the monthly delivery files;
- world.py: the years in order, and manifest.json: `"synthetic": true`, rows, size and
  SHA-256 per file (the synthetic mark: the build marks a delivery synthetic when the
  manifest beside it lists its exact bytes), the outcome of every
  row (with no cut-off and at each release cut-off), the counted coupons with unknown
  values, and what each release gives.
"""

from kzmig.generator.world import MANIFEST, generate_world

__all__ = ["MANIFEST", "generate_world"]
