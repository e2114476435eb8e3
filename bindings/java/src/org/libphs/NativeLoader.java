package org.libphs;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds and loads the JNI library (libphsjni) without hand-set paths. In order: the system
 * property {@code org.libphs.jni} (a file); the directory of the jar (or class directory) this
 * class was loaded from, as the build tree and a copied pair of files have it; the install
 * directory compiled into {@link BuildConfig}; then {@code java.library.path}.
 */
final class NativeLoader {
  private static boolean loaded;

  private NativeLoader() {}

  static synchronized void load() {
    if (loaded) {
      return;
    }
    String name = System.mapLibraryName("phsjni");
    List<String> tried = new ArrayList<>();
    String explicit = System.getProperty("org.libphs.jni");
    if (explicit != null && !explicit.isEmpty()) {
      System.load(new File(explicit).getAbsolutePath());
      loaded = true;
      return;
    }
    List<Path> dirs = new ArrayList<>();
    try {
      CodeSource src = NativeLoader.class.getProtectionDomain().getCodeSource();
      if (src != null && src.getLocation() != null) {
        Path here = Paths.get(src.getLocation().toURI());
        dirs.add(Files.isDirectory(here) ? here : here.getParent());
      }
    } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
      // not a file location: fall through
    }
    if (!BuildConfig.JNI_DIR.isEmpty()) {
      dirs.add(Paths.get(BuildConfig.JNI_DIR));
    }
    for (Path dir : dirs) {
      if (dir == null) {
        continue;
      }
      Path lib = dir.resolve(name);
      tried.add(lib.toString());
      if (Files.isRegularFile(lib)) {
        System.load(lib.toAbsolutePath().toString());
        loaded = true;
        return;
      }
    }
    try {
      System.loadLibrary("phsjni");
      loaded = true;
    } catch (UnsatisfiedLinkError e) {
      UnsatisfiedLinkError err = new UnsatisfiedLinkError("libphs: cannot find " + name
          + " (looked in " + String.join(", ", tried) + " and java.library.path); set "
          + "-Dorg.libphs.jni=/path/to/" + name);
      err.initCause(e);
      throw err;
    }
  }
}
