"""A private PKI for the TLS tests, made in a temporary directory with python3-cryptography:
a CA, server certificates it signs (for localhost and 127.0.0.1, each with its own common
name so that a test can tell which one a server presents), a client certificate, and a
second, unrelated CA. Nothing here touches the network."""

import datetime
import os
import ssl

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
import ipaddress


def _key():
    return ec.generate_private_key(ec.SECP256R1())


def _name(common_name):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _write_key(path, key):
    with open(path, "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                  serialization.NoEncryption()))


def _write_cert(path, cert):
    with open(path, "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))


class Authority:
    """A CA that signs server and client certificates into `directory`."""

    def __init__(self, directory, name="memstripe test CA"):
        self.directory = str(directory)
        os.makedirs(self.directory, exist_ok=True)
        self.key = _key()
        now = datetime.datetime.now(datetime.timezone.utc)
        self.name = _name(name)
        self.cert = (x509.CertificateBuilder().subject_name(self.name).issuer_name(self.name)
                     .public_key(self.key.public_key()).serial_number(x509.random_serial_number())
                     .not_valid_before(now - datetime.timedelta(days=1))
                     .not_valid_after(now + datetime.timedelta(days=30))
                     .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                     .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                                  content_commitment=False, key_encipherment=False,
                                                  data_encipherment=False, key_agreement=False,
                                                  encipher_only=False, decipher_only=False), critical=True)
                     .sign(self.key, hashes.SHA256()))
        self.cert_path = os.path.join(self.directory, f"{name.replace(' ', '_')}.crt")
        _write_cert(self.cert_path, self.cert)

    def issue(self, common_name, client=False):
        """Writes <common_name>.crt and <common_name>.key; returns their paths."""
        key = _key()
        now = datetime.datetime.now(datetime.timezone.utc)
        usage = ExtendedKeyUsageOID.CLIENT_AUTH if client else ExtendedKeyUsageOID.SERVER_AUTH
        builder = (x509.CertificateBuilder().subject_name(_name(common_name)).issuer_name(self.name)
                   .public_key(key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(now - datetime.timedelta(days=1))
                   .not_valid_after(now + datetime.timedelta(days=30))
                   .add_extension(x509.ExtendedKeyUsage([usage]), critical=False))
        if not client:
            builder = builder.add_extension(
                x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                             x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                critical=False)
        cert = builder.sign(self.key, hashes.SHA256())
        cert_path = os.path.join(self.directory, f"{common_name}.crt")
        key_path = os.path.join(self.directory, f"{common_name}.key")
        _write_cert(cert_path, cert)
        _write_key(key_path, key)
        return cert_path, key_path

    def client_context(self, cert=None, key=None, maximum_version=None):
        """What a client trusting this CA uses (optionally presenting `cert`)."""
        context = ssl.create_default_context(cafile=self.cert_path)
        if cert:
            context.load_cert_chain(cert, key)
        if maximum_version:
            context.maximum_version = maximum_version
        return context


def replace_file(path, source):
    """Puts `source`'s bytes at `path` in one step (rename), as a PKI agent would."""
    with open(source, "rb") as f:
        data = f.read()
    temp = path + ".new"
    with open(temp, "wb") as f:
        f.write(data)
    os.replace(temp, path)


def peer_common_name(tls_socket):
    """The CN of the certificate the server presented."""
    der = tls_socket.getpeercert(binary_form=True)
    cert = x509.load_der_x509_certificate(der)
    return cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
