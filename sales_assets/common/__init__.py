"""Code that two or more stages share (outbound, engagement, inbound, insights).

What belongs here: settings, helpers and models more than one stage needs, such as the seller
(`seller.py`) and text made safe for the spreadsheet a person opens it in (`text.py`). Stages import
from here and never from each other; code only one stage uses stays in that stage's package.
"""
