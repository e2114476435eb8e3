"""Print the path of a JUnit 5 console launcher jar, or nothing.

Looked for in order: $JUNIT_CONSOLE_JAR; Debian's junit5 package; the local
Maven repository (~/.m2, e.g. after `mvn dependency:get
-Dartifact=org.junit.platform:junit-platform-console-standalone:1.10.2`).
"""
import glob
import os

candidates = [os.environ.get("JUNIT_CONSOLE_JAR", ""),
              "/usr/share/java/junit-platform-console-standalone.jar"]
candidates += sorted(glob.glob(os.path.expanduser(
    "~/.m2/repository/org/junit/platform/junit-platform-console-standalone/*/"
    "junit-platform-console-standalone-*.jar")), reverse=True)
for c in candidates:
    if c and os.path.isfile(c):
        print(c)
        break
