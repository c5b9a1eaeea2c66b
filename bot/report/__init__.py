"""The content-gap report for the content team (`make report`): beside the way, like storage.

It reads the tracker store (SQLite or PostgreSQL, as `bot.storage.retention` finds it),
only the events within the retention period (`RETENTION_DAYS`), and writes one static
HTML page with its charts embedded (`results/report/index.html`):

* conversations and messages per day;
* the share of questions answered by a curated topic, by a source quote, referred to
  counselling, declined, unsure (fallback suggestions), emergency, other (small talk);
* the topics asked most;
* feedback per topic (helpful / not helpful, the redacted comments);
* the languages users wrote in;
* the declined and unsure questions, grouped by similarity (TF-IDF over the German
  NLU text, agglomerative clustering; scikit-learn).

No sender id appears in it: conversations are only counted.

    python -m bot.report                      # the configured store → results/report/
    python -m bot.report --db sqlite:///var/conversations.db --out /tmp/report
"""
