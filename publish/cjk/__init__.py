"""CJK text: character classes (chars.py), the typographic markup both outputs share
(typography.py: 中西文间距 and 标点挤压), and an editorial pass that normalises a manuscript's
punctuation and spacing (editorial.py, for importers and scripts)."""
