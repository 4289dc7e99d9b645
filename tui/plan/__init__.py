"""The plan screen: the year's monthly targets against what was won, the activity breakdown and the live flags."""
