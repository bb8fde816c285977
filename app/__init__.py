"""The dashboard's own code beside pages/: page data, charts, labels, meeting notes, office actions
and sign-in. pages/ holds only the page scripts; etl/ reads, checks, stores and scores."""
