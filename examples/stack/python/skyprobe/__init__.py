"""skyprobe: astrometric and photometric repeatability of multi-visit star
catalogues, written as lsst.verify jobs.

A small stand-in for a science pipeline's quality-assurance package (in the
spirit of validate_drp and faro): it matches the stars of several visits of
one field, measures how well positions and magnitudes repeat, and writes the
measurements as a verify job that stackci checks against specifications.
"""

__version__ = "0.1.0"

PACKAGE = "skyprobe"
