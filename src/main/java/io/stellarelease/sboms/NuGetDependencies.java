package io.stellarelease.sboms;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/** The dependencies a NuGet package declares in the nuspec at the root of its .nupkg. */
final class NuGetDependencies {

    /** One {@code <dependency id version>}; {@code targetFramework} is its group's, or null outside a group. */
    record Dependency(String id, String versionRange, String targetFramework) {
        /** The lowest version the range allows ({@code [1.2.3, )} and {@code 1.2.3} both mean 1.2.3 or newer). */
        String lowestVersion() {
            String v = versionRange == null ? "" : versionRange.strip();
            if (v.startsWith("[") || v.startsWith("(")) {
                v = v.substring(1).split(",", -1)[0].replace("]", "").replace(")", "").strip();
            }
            return v.isEmpty() ? null : v;
        }
    }

    private NuGetDependencies() {
    }

    static List<Dependency> read(Path nupkg) throws IOException {
        try (ZipFile zip = new ZipFile(nupkg.toFile())) {
            ZipEntry nuspec = null;
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                if (!entry.getName().contains("/") && entry.getName().endsWith(".nuspec")) {
                    nuspec = entry;
                    break;
                }
            }
            if (nuspec == null) {
                throw new IOException(nupkg.getFileName() + ": no .nuspec at the package root");
            }
            try (InputStream in = zip.getInputStream(nuspec)) {
                return dependencies(parse(in, nupkg));
            }
        }
    }

    private static Document parse(InputStream in, Path nupkg) throws IOException {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            // A package is input from a build: no DTDs, no external entities.
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            return factory.newDocumentBuilder().parse(in);
        } catch (Exception e) {
            throw new IOException(nupkg.getFileName() + ": the nuspec is not readable XML: " + e.getMessage(), e);
        }
    }

    private static List<Dependency> dependencies(Document nuspec) {
        List<Dependency> found = new ArrayList<>();
        NodeList all = nuspec.getElementsByTagNameNS("*", "dependency");
        for (int i = 0; i < all.getLength(); i++) {
            Element dependency = (Element) all.item(i);
            Node parent = dependency.getParentNode();
            String framework = parent instanceof Element group && "group".equals(group.getLocalName())
                    && group.hasAttribute("targetFramework") ? group.getAttribute("targetFramework") : null;
            found.add(new Dependency(dependency.getAttribute("id"),
                    dependency.hasAttribute("version") ? dependency.getAttribute("version") : null, framework));
        }
        return found;
    }
}
