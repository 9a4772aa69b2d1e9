"""alliance_data_curate: the curators' toolkit of alliance_data.

Models, validation, build, release and importers. It lives only in a checkout of the
repository (it is not in the users' wheel) and acts only on that checkout.
"""
