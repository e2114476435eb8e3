"""One Spark local-mode session for every phs.spark test (starting one
costs 10-20 s)."""
import os

import pytest

import phs

SOURCE_ROOT = os.environ.get(
    "PHS_SOURCE_ROOT", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..")))
RESIDENTS_CSV = os.path.join(SOURCE_ROOT, "examples", "residents.csv")


@pytest.fixture(scope="session")
def spark():
    from pyspark.sql import SparkSession

    session = (SparkSession.builder.master("local[2]")
               .appName("phs-spark-tests")
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.shuffle.partitions", "2")
               .config("spark.sql.session.timeZone", "UTC")
               .config("spark.sql.execution.arrow.pyspark.enabled", "true")
               # Small Arrow batches: rows cross batch boundaries.
               .config("spark.sql.execution.arrow.maxRecordsPerBatch", "7")
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def engine():
    with phs.Engine() as e:
        yield e
