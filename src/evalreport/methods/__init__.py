"""Effect estimates for the report's question «did the programme work?»: the synthetic control with
its placebo inference (synth, weights), a difference-in-differences as a cross-check (did), the
panel they read (panel) and the result they return (result). See evalreport.effect for the report's
analysis built on them, and `evalreport effect` (commands/estimate.py) for any panel.
"""
