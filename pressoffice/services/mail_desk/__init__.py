"""The enquiry desk by email.

Reading (``ingest``, ``fetch``, ``parked``): a message that comes in is kept whole and becomes
a new enquiry, joins the enquiry it answers, is recorded as automatic mail or a bounce, or is
parked for a person to decide; never doubled, looped or lost. Writing (``outgoing``,
``thread``): the acknowledgement and the answers, threaded, and the thread as staff read it.
"""
