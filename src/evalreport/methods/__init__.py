"""Effect estimates for the report's question «did the programme work?»: synthetic control with
placebo inference, and a simple difference-in-differences, both returning an EffectResult.

Imports are lazy so that the command line can register `evalreport effect` without loading scipy.
"""

__all__ = [
    "EffectResult", "Inference", "Panel", "Predictor", "Specification",
    "estimate_diff_in_diff", "estimate_synthetic_control", "read_panel", "run_placebos",
]


def __getattr__(name):
    if name in ("EffectResult", "PlaceboTest", "Interval"):
        from evalreport.methods import result
        return getattr(result, name)
    if name in ("Panel", "Predictor", "Specification", "read_panel", "frame_to_panel", "parse_predictor", "parse_years"):
        from evalreport.methods import panel
        return getattr(panel, name)
    if name in ("Inference", "estimate_synthetic_control", "run_placebos"):
        from evalreport.methods import synth
        return getattr(synth, name)
    if name == "estimate_diff_in_diff":
        from evalreport.methods.did import estimate_diff_in_diff
        return estimate_diff_in_diff
    raise AttributeError(name)
