"""Running the app for a classroom: N replicas behind nginx (``python -m deploy.serve``)."""
