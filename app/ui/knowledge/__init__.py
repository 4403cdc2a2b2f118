"""The knowledge tab of the side panel and the article reader."""
