"""Classify a province's residents on Spark (see bindings/README.md).

    spark-submit [...] examples/spark/classify.py INPUT OUTPUT [AS_OF]

INPUT: Parquet (or a CSV with a header, read with each column typed as its
dictionary field); OUTPUT: Parquet, the input's columns plus one struct per
program, `error` and `rules_fingerprint`.  Prints the tier counts per program.
"""
import sys

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

from phs import spark as phs_spark

TYPES = {"number": T.DoubleType(), "bool": T.BooleanType(), "date": T.DateType()}


def read(spark: SparkSession, path: str) -> DataFrame:
    if not path.endswith(".csv"):
        return spark.read.parquet(path)
    fields = phs_spark.engine().fields
    header = spark.read.option("header", True).csv(path).columns
    schema = T.StructType([T.StructField(c, TYPES.get(fields[c].type, T.StringType())
                                         if c in fields else T.StringType())
                           for c in header])
    return spark.read.csv(path, header=True, schema=schema, enforceSchema=False)


def main() -> None:
    src, dst = sys.argv[1], sys.argv[2]
    as_of = sys.argv[3] if len(sys.argv) > 3 else None
    spark = SparkSession.builder.appName("phs-classify").getOrCreate()
    out = phs_spark.classify(read(spark, src), as_of=as_of).cache()
    out.write.mode("overwrite").parquet(dst)
    for p in phs_spark.engine().programs:
        counts = out.groupBy(F.col(f"{p.id}.tier").alias("tier")).count().collect()
        print(p.id, {r["tier"]: r["count"] for r in counts if r["tier"] is not None})
    fingerprints = [r[0] for r in out.select(phs_spark.FINGERPRINT).distinct().collect()]
    print("refused:", out.filter(F.col("error").isNotNull()).count(),
          "fingerprint:", ", ".join(fingerprints))
    spark.stop()


if __name__ == "__main__":
    main()
