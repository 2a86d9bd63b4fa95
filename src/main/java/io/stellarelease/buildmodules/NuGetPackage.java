package io.stellarelease.buildmodules;

import org.w3c.dom.Document;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/** The identity of a {@code .nupkg}, read from the {@code .nuspec} at its root, as NuGet itself reads it. */
public record NuGetPackage(String id, String version) {

    public static NuGetPackage read(Path nupkg) {
        try (ZipFile zip = new ZipFile(nupkg.toFile())) {
            ZipEntry nuspec = zip.stream()
                    .filter(e -> !e.isDirectory() && !e.getName().contains("/") && e.getName().endsWith(".nuspec"))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(nupkg.getFileName() + ": no .nuspec at the package root"));
            try (InputStream in = zip.getInputStream(nuspec)) {
                Document doc = parser().parse(in);
                String id = text(doc, "id");
                String version = text(doc, "version");
                if (id == null || version == null) {
                    throw new IllegalArgumentException(nupkg.getFileName() + ": " + nuspec.getName()
                            + " must give metadata id and version");
                }
                return new NuGetPackage(id, version);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(nupkg.getFileName() + ": not a readable zip package: " + e.getMessage(), e);
        } catch (SAXException | ParserConfigurationException e) {
            throw new IllegalArgumentException(nupkg.getFileName() + ": the nuspec is not valid XML: " + e.getMessage(), e);
        }
    }

    private static javax.xml.parsers.DocumentBuilder parser() throws ParserConfigurationException {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        // Packages are build output, not trusted input: no DTDs, no external entities.
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder();
    }

    private static String text(Document doc, String element) {
        var nodes = doc.getElementsByTagNameNS("*", element);
        for (int i = 0; i < nodes.getLength(); i++) {
            Node node = nodes.item(i);
            if ("metadata".equals(node.getParentNode().getLocalName())) {
                return node.getTextContent().strip();
            }
        }
        return null;
    }
}
