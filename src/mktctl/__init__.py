"""mktctl: roll out FxiaoKe 营销通 and platforms like it as code."""

__version__ = "0.1.0"
