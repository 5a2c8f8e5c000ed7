package org.parley.link.portmap;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * Reads what a UPnP router sends: its device description and its SOAP answers. The parser takes
 * no DTD and resolves no entity (a hostile device on the LAN gets neither file reads nor an entity
 * bomb out of us), and elements are found by local name, whatever prefix the router uses.
 */
final class UpnpXml {
    static final String WAN_IP_CONNECTION = "urn:schemas-upnp-org:service:WANIPConnection:";
    static final String WAN_PPP_CONNECTION = "urn:schemas-upnp-org:service:WANPPPConnection:";

    private UpnpXml() {
    }

    /** The service through which a router takes port mappings: its type (with version) and control URL. */
    record ControlPoint(String serviceType, URI controlUrl) {
    }

    /** A SOAP fault a router answered with: the UPnP error code (718: conflict) and its text. */
    record Fault(int code, String description) {
    }

    /**
     * The first WANIPConnection (else WANPPPConnection) service of a device description fetched
     * from {@code location}. Its control URL must lead to the same host as the description did.
     */
    static Optional<ControlPoint> controlPoint(String xml, URI location) throws IOException {
        Document document = parse(xml);
        URI base = location;
        Optional<String> urlBase = firstText(document.getDocumentElement(), "URLBase");
        if (urlBase.isPresent() && !urlBase.get().isBlank()) {
            base = uri(urlBase.get().strip());
        }
        List<ControlPoint> found = new ArrayList<>();
        NodeList services = document.getElementsByTagNameNS("*", "service");
        for (int i = 0; i < services.getLength(); i++) {
            Element service = (Element) services.item(i);
            Optional<String> type = firstText(service, "serviceType").map(String::strip);
            Optional<String> control = firstText(service, "controlURL").map(String::strip);
            if (type.isEmpty() || control.isEmpty() || control.get().isEmpty()) {
                continue;
            }
            if (type.get().startsWith(WAN_IP_CONNECTION) || type.get().startsWith(WAN_PPP_CONNECTION)) {
                URI url = base.resolve(uri(control.get()));
                if (!"http".equals(url.getScheme()) || url.getHost() == null
                        || !url.getHost().equalsIgnoreCase(location.getHost())) {
                    throw new IOException("the router's control URL " + url + " leads away from " + location.getHost());
                }
                found.add(new ControlPoint(type.get(), url));
            }
        }
        return found.stream().filter(point -> point.serviceType().startsWith(WAN_IP_CONNECTION)).findFirst()
                .or(() -> found.stream().findFirst());
    }

    /** The text of the first element named {@code name} in a SOAP answer. */
    static Optional<String> value(String xml, String name) throws IOException {
        return firstText(parse(xml).getDocumentElement(), name);
    }

    /** The UPnP error in a SOAP fault; empty when the answer holds none. */
    static Optional<Fault> fault(String xml) throws IOException {
        Element root = parse(xml).getDocumentElement();
        Optional<String> code = firstText(root, "errorCode");
        if (code.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Fault(Integer.parseInt(code.get().strip()),
                    firstText(root, "errorDescription").orElse("").strip()));
        } catch (NumberFormatException e) {
            throw new IOException("the router's fault has error code '" + code.get() + "'");
        }
    }

    /** The SOAP request for {@code action} of {@code serviceType}, with its arguments in order. */
    static String request(String serviceType, String action, List<String[]> arguments) {
        StringBuilder body = new StringBuilder()
                .append("<?xml version=\"1.0\"?>\r\n")
                .append("<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" ")
                .append("s:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\">")
                .append("<s:Body><u:").append(action).append(" xmlns:u=\"").append(escape(serviceType)).append("\">");
        for (String[] argument : arguments) {
            body.append('<').append(argument[0]).append('>').append(escape(argument[1]))
                    .append("</").append(argument[0]).append('>');
        }
        return body.append("</u:").append(action).append("></s:Body></s:Envelope>\r\n").toString();
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static Document parse(String xml) throws IOException {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
            factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            factory.setXIncludeAware(false);
            factory.setExpandEntityReferences(false);
            DocumentBuilder builder = factory.newDocumentBuilder();
            builder.setErrorHandler(new DefaultHandler()); // throws on fatal errors, prints nothing
            return builder.parse(new InputSource(new StringReader(xml)));
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the XML parser cannot be made safe", e);
        } catch (SAXException e) {
            throw new IOException("the router sent XML we do not read: " + e.getMessage());
        }
    }

    private static Optional<String> firstText(Element within, String localName) {
        NodeList found = within.getElementsByTagNameNS("*", localName);
        if (found.getLength() == 0) {
            return Optional.empty();
        }
        Node node = found.item(0);
        return Optional.of(node.getTextContent());
    }

    private static URI uri(String text) throws IOException {
        try {
            return new URI(text);
        } catch (URISyntaxException e) {
            throw new IOException("the router named a bad URL: " + text.substring(0, Math.min(100, text.length())));
        }
    }

    /** Whether an SSDP answer's header {@code name} (any case) is present; its value. */
    static Optional<String> header(String message, String name) {
        for (String line : message.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).strip().toLowerCase(Locale.ROOT)
                    .equals(name.toLowerCase(Locale.ROOT))) {
                return Optional.of(line.substring(colon + 1).strip());
            }
        }
        return Optional.empty();
    }
}
