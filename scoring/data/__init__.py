"""Reading lead and activity data: CSV and Parquet files, column mapping, dates, the public
datasets, data quality, and writing files safely."""
