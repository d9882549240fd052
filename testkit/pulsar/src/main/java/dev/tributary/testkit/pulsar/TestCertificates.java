package dev.tributary.testkit.pulsar;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away certificate authority with a broker certificate (for 127.0.0.1 and localhost) and a
 * client certificate, as PEM files, for tests of TLS and mutual TLS. Made with the JDK's
 * {@code keytool}, so it needs nothing beyond a JDK.
 *
 * @param caCertificate the authority's certificate: the trust file of clients and of the broker
 * @param brokerCertificate the broker's certificate, signed by the authority
 * @param brokerKey the broker's private key (PKCS#8)
 * @param clientCertificate a client certificate signed by the authority, common name {@code tributary-client}
 * @param clientKey the client's private key (PKCS#8)
 */
public record TestCertificates(Path caCertificate, Path brokerCertificate, Path brokerKey, Path clientCertificate,
                               Path clientKey) {
    private static final String PASSWORD = "changeit";

    /**
     * Creates the files in a directory.
     *
     * @param directory where the files go (created if missing)
     * @return the files
     * @throws IllegalStateException if keytool fails
     */
    public static TestCertificates create(Path directory) {
        try {
            Files.createDirectories(directory);
            Path ca = directory.resolve("ca.p12");
            keytool(directory, "-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048",
                    "-dname", "CN=tributary-test-ca", "-ext", "bc:c", "-validity", "2", "-keystore", ca.toString());
            Path caPem = directory.resolve("ca.pem");
            keytool(directory, "-exportcert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-file", caPem.toString());
            Path[] broker = issue(directory, ca, "broker", "CN=localhost", "SAN=ip:127.0.0.1,dns:localhost");
            Path[] client = issue(directory, ca, "client", "CN=tributary-client", null);
            return new TestCertificates(caPem, broker[0], broker[1], client[0], client[1]);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot create test certificates: " + e, e);
        }
    }

    private static Path[] issue(Path directory, Path ca, String name, String subject, String extension)
            throws IOException, GeneralSecurityException {
        Path store = directory.resolve(name + ".p12");
        keytool(directory, "-genkeypair", "-alias", name, "-keyalg", "RSA", "-keysize", "2048", "-dname", subject,
                "-validity", "2", "-keystore", store.toString());
        Path request = directory.resolve(name + ".csr");
        keytool(directory, "-certreq", "-alias", name, "-keystore", store.toString(), "-file", request.toString());
        Path certificate = directory.resolve(name + ".pem");
        List<String> sign = new ArrayList<>(List.of("-gencert", "-rfc", "-alias", "ca", "-keystore", ca.toString(),
                "-infile", request.toString(), "-outfile", certificate.toString(), "-validity", "2"));
        if (extension != null) {
            sign.add("-ext");
            sign.add(extension);
        }
        keytool(directory, sign.toArray(new String[0]));
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, PASSWORD.toCharArray());
        }
        Key key = keys.getKey(name, PASSWORD.toCharArray());
        Path keyFile = directory.resolve(name + "-key.pem");
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        Files.writeString(keyFile, pem);
        return new Path[] {certificate, keyFile};
    }

    private static void keytool(Path directory, String... arguments) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(arguments));
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD, "-noprompt"));
        Path output = directory.resolve("keytool.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile())).start();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException("keytool " + String.join(" ", arguments) + " failed: " + Files.readString(output));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running keytool", e);
        }
    }
}
