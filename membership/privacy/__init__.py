"""Personal data as UK GDPR and the 2014 Act expect: retention that runs, anonymisation that
keeps the audit chain, erasure requests, the subject access copy and privacy notices.

Upper apps (voting, meetings) add their own parts through `registry` in `AppConfig.ready`."""
