"""policyreport: reproducible, parameterized policy-analysis reports from Chinese news pages."""

__version__ = "0.1.0"
