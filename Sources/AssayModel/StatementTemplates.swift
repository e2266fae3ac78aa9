/// Filled-in, valid example statements, one per kind: what `assay statement new <kind>` prints.
/// Generated from and kept in step with `Schemas/examples/valid/*-1.json`.
public enum StatementTemplates {
    /// Kind name (as in `StatementKind`) to pretty-printed JSON.
    public static let byKind: [String: String] = [
        "LedgerGenesis": #"""
{
  "type": "LedgerGenesis",
  "origin": "acme.example/ledger",
  "operatorKey": "acme.example/operator+a1b2c3d4+AX7eQZ4Vb0YIu0y3x1Xv7nQ6G2m1q8l9k0J5h4g3f2e1",
  "operatorName": "ACME Devices GmbH",
  "eventTime": "2026-11-20T09:00:00+01:00",
  "eventTimeZoneOffset": "+01:00"
}
"""#,
        "PartyRegistration": #"""
{
  "type": "PartyRegistration",
  "partyId": "https://id.gs1.org/417/4012345000009",
  "legalName": "Chips Ltd",
  "roles": [
    "supplier"
  ],
  "publicKey": "chips.example/signing+a1b2c3d4+AX7eQZ4Vb0YIu0y3x1Xv7nQ6G2m1q8l9k0J5h4g3f2e1",
  "address": "Industriestr. 1, 80331 München, DE",
  "contact": "mailto:compliance@chips.example",
  "facilities": [
    "https://id.gs1.org/414/4012345000016"
  ],
  "validFrom": "2026-01-01T00:00:00Z",
  "validUntil": "2031-01-01T00:00:00Z",
  "eventTime": "2026-11-20T09:05:00+01:00",
  "eventTimeZoneOffset": "+01:00"
}
"""#,
        "KeyRevocation": #"""
{
  "type": "KeyRevocation",
  "revokedKey": "chips.example/signing+a1b2c3d4",
  "reason": "superseded",
  "effectiveTime": "2027-06-01T00:00:00Z",
  "replacementKey": "chips.example/signing-2027+0badc0de",
  "eventTime": "2027-06-01T08:00:00+02:00",
  "eventTimeZoneOffset": "+02:00"
}
"""#,
        "AuthorityDelegation": #"""
{
  "type": "AuthorityDelegation",
  "delegate": "https://id.gs1.org/417/4098765000003",
  "scopes": ["https://id.gs1.org/01/04012345000016"],
  "kinds": ["ManufacturingStep", "ProductAssembly"],
  "validFrom": "2026-11-01T00:00:00Z",
  "validUntil": "2028-12-31T23:59:59Z",
  "eventTime": "2026-10-28T09:00:00+01:00",
  "eventTimeZoneOffset": "+01:00"
}
"""#,
        "GenericEvent": #"""
{
  "type": "GenericEvent",
  "subject": "https://id.gs1.org/01/04012345000016/21/SN-0001",
  "action": "inspected",
  "data": {
    "inspector": "QA line 3",
    "result": "pass"
  },
  "eventTime": "2026-11-20T10:00:00+01:00",
  "eventTimeZoneOffset": "+01:00"
}
"""#,
        "ComponentOrigin": #"""
{
  "@context": [
    "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
    {
      "assay": "https://ns.assay.dev/epcis/1#"
    }
  ],
  "type": "ObjectEvent",
  "eventID": "urn:uuid:6f1a0d3e-4b7c-4e55-9a0e-1d2c3b4a5f60",
  "eventTime": "2026-11-18T14:00:00+01:00",
  "eventTimeZoneOffset": "+01:00",
  "action": "ADD",
  "bizStep": "commissioning",
  "disposition": "active",
  "quantityList": [
    {
      "epcClass": "https://id.gs1.org/01/04012345000023/10/LOT-2026-11",
      "quantity": 5000,
      "uom": "C62"
    }
  ],
  "bizLocation": {
    "id": "https://id.gs1.org/414/4012345000016"
  },
  "ilmd": {
    "assay:partNumber": "MCU-32-QFN48",
    "assay:supplier": "https://id.gs1.org/417/4012345000009",
    "assay:countryOfOrigin": "DE",
    "assay:manufacturingDate": "2026-11-18",
    "assay:materials": [
      {
        "name": "silicon",
        "massGrams": 0.2,
        "recycledContentPercent": 0
      },
      {
        "name": "solder",
        "massGrams": 0.05,
        "recycledContentPercent": 30,
        "substancesOfConcern": [
          {
            "name": "lead",
            "casNumber": "7439-92-1",
            "concentrationPercent": 0.05
          }
        ]
      }
    ],
    "assay:certifications": [
      "https://certs.example/iso-9001/123"
    ]
  }
}
"""#,
        "ManufacturingStep": #"""
{
  "@context": [
    "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
    {
      "assay": "https://ns.assay.dev/epcis/1#"
    }
  ],
  "type": "TransformationEvent",
  "eventID": "urn:uuid:0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5",
  "eventTime": "2026-11-20T11:00:00+01:00",
  "eventTimeZoneOffset": "+01:00",
  "bizStep": "encoding",
  "inputEPCList": [
    "https://id.gs1.org/01/04012345000030/21/PCB-0001"
  ],
  "inputQuantityList": [
    {
      "epcClass": "https://id.gs1.org/01/04012345000023/10/LOT-2026-11",
      "quantity": 1,
      "uom": "C62"
    }
  ],
  "outputEPCList": [
    "https://id.gs1.org/01/04012345000016/21/SN-0001"
  ],
  "bizLocation": {
    "id": "https://id.gs1.org/414/4012345000016"
  },
  "ilmd": {
    "assay:firmware": {
      "imageDigest": "sha256:977aa3ede8e4add7352d54d58e838a441243bfb39f0d94f807202c76d812ea41",
      "version": "1.4.2",
      "purl": "pkg:generic/acme-thermostat-fw@1.4.2",
      "sbomDigest": "sha256:bcdfb73b050d567f076b793037ace9c9f16a8d1a0020f5ee0f8a89859dee7d61"
    },
    "assay:testResults": [
      {
        "name": "functional test",
        "passed": true
      }
    ]
  }
}
"""#,
        "ProductAssembly": #"""
{
  "@context": [
    "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
    {
      "assay": "https://ns.assay.dev/epcis/1#"
    }
  ],
  "type": "AggregationEvent",
  "eventID": "urn:uuid:9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
  "eventTime": "2026-11-20T12:00:00+01:00",
  "eventTimeZoneOffset": "+01:00",
  "action": "ADD",
  "bizStep": "assembling",
  "parentID": "https://id.gs1.org/01/04012345000016/21/SN-0001",
  "childEPCs": [
    "https://id.gs1.org/01/04012345000030/21/PCB-0001"
  ],
  "childQuantityList": [
    {
      "epcClass": "https://id.gs1.org/01/04012345000023/10/LOT-2026-11",
      "quantity": 1,
      "uom": "C62"
    }
  ],
  "bizLocation": {
    "id": "https://id.gs1.org/414/4012345000016"
  },
  "assay:gtin": "04012345000016",
  "assay:manufacturingDate": "2026-11-20",
  "assay:documents": {
    "declarationOfConformity": "sha256:139d544b821b13ebea14f1b0fe18577222e415c2966e3a3511c4196055232202",
    "manual": "sha256:36bde66f289a35683683b041c6d8f418a5f36607b547da25d00ad55891e80b88",
    "hardwareBOM": "sha256:6f4cf12955ab393eb5445af9f96ffd5bb171552e257555ea49be5e87b6808251",
    "softwareBOM": "sha256:bcdfb73b050d567f076b793037ace9c9f16a8d1a0020f5ee0f8a89859dee7d61"
  }
}
"""#,
        "LifecycleCommitment": #"""
{
  "type": "LifecycleCommitment",
  "scope": {
    "model": "https://id.gs1.org/01/04012345000016"
  },
  "placedOnMarket": "2026-12-01",
  "securitySupportEnd": "2032-12-31",
  "vulnerabilityContact": "mailto:security@acme.example",
  "vulnerabilityResponseDays": 30,
  "backendServiceMinimumEnd": "2034-12-31",
  "repairInformation": {
    "url": "https://acme.example/repair/thermostat",
    "digest": "sha256:a1a14ff4aab4f1d3efbe2f3fe8e32ec686289ba95e5b2fc3e1f38052d64da522"
  },
  "spareParts": [
    {
      "partNumber": "BAT-CR2032",
      "availableUntil": "2036-12-31",
      "deliveryDays": 10
    },
    {
      "partNumber": "DISPLAY-2IN",
      "availableUntil": "2033-12-31",
      "deliveryDays": 15
    }
  ],
  "takeBack": {
    "channel": "https://acme.example/takeback",
    "recyclingScheme": "stiftung ear (DE) WEEE-Reg.-Nr. DE 12345678"
  },
  "dismantlingInformation": {
    "url": "https://acme.example/dismantling/thermostat.pdf",
    "digest": "sha256:429f5d86070607698c18c542e6d703118ed860ce12db841a1057e220cad69b63"
  },
  "insolvencyContinuity": "Update signing keys and the update service are escrowed with Escrow AG, which keeps security updates available until the support end date.",
  "expectedUseTime": "P6Y",
  "securityUpdateMechanism": "Signed over-the-air updates through the ACME app and the thermostat's own update check (daily).",
  "sbom": {
    "url": "https://acme.example/sbom/thermostat-1.4.2.cdx.json",
    "digest": "sha256:bcdfb73b050d567f076b793037ace9c9f16a8d1a0020f5ee0f8a89859dee7d61"
  },
  "vulnerabilityDisclosurePolicy": "https://acme.example/security/disclosure-policy",
  "manufacturerContact": "https://acme.example/contact",
  "eventTime": "2026-11-20T13:00:00+01:00",
  "eventTimeZoneOffset": "+01:00"
}
"""#,
        "PassportData": #"""
{
  "type": "PassportData",
  "subject": "https://id.gs1.org/01/04012345000122",
  "aspect": "carbonFootprint",
  "data": {
    "batteryCarbonFootprint": 68.4,
    "carbonFootprintPerLifecycleStage": [
      {
        "lifecycleStage": "RawMaterialExtraction",
        "carbonFootprint": 41.2
      },
      {
        "lifecycleStage": "MainProduction",
        "carbonFootprint": 22.9
      },
      {
        "lifecycleStage": "Distribution",
        "carbonFootprint": 1.8
      },
      {
        "lifecycleStage": "Recycling",
        "carbonFootprint": 2.5
      }
    ],
    "carbonFootprintPerformanceClass": "B",
    "carbonFootprintStudy": "https://acme.example/battery/EB-500/carbon-footprint-study-2026.pdf",
    "absoluteCarbonFootprint": 1231.2
  },
  "eventTime": "2026-11-20T10:00:00+01:00",
  "eventTimeZoneOffset": "+01:00"
}
"""#,
        "EndOfLife": #"""
{
  "@context": [
    "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
    {
      "assay": "https://ns.assay.dev/epcis/1#"
    }
  ],
  "type": "ObjectEvent",
  "eventID": "urn:uuid:1b2c3d4e-5f60-4718-9a0b-c1d2e3f40516",
  "eventTime": "2034-03-02T09:30:00+01:00",
  "eventTimeZoneOffset": "+01:00",
  "action": "DELETE",
  "bizStep": "disassembling",
  "disposition": "destroyed",
  "epcList": [
    "https://id.gs1.org/01/04012345000016/21/SN-0001"
  ],
  "bizLocation": {
    "id": "https://id.gs1.org/414/4012345111118"
  },
  "assay:endOfLifeStatus": "recycled",
  "assay:recoveredMaterials": [
    {
      "name": "copper",
      "massGrams": 12.5
    },
    {
      "name": "ABS plastic",
      "massGrams": 80
    }
  ],
  "assay:dataWipeAttestation": "sha256:c6f51afdddd2551a91a367719b8d2b81568786743e221f404de10c1ae864c2bd"
}
"""#,
        "Correction": #"""
{
  "@context": [
    "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
    {
      "assay": "https://ns.assay.dev/epcis/1#"
    }
  ],
  "type": "ObjectEvent",
  "eventID": "urn:uuid:6f1a0d3e-4b7c-4e55-9a0e-1d2c3b4a5f60",
  "eventTime": "2026-11-18T14:00:00+01:00",
  "eventTimeZoneOffset": "+01:00",
  "action": "ADD",
  "bizStep": "commissioning",
  "quantityList": [
    {
      "epcClass": "https://id.gs1.org/01/04012345000023/10/LOT-2026-11",
      "quantity": 5000,
      "uom": "C62"
    }
  ],
  "bizLocation": {
    "id": "https://id.gs1.org/414/4012345000016"
  },
  "errorDeclaration": {
    "declarationTime": "2026-11-21T08:00:00+01:00",
    "reason": "incorrect_data",
    "correctiveEventIDs": [
      "urn:uuid:7e2b1e4f-5c8d-4f66-8b1f-2e3d4c5b6a71"
    ]
  }
}
"""#,
        "SupplyChainEvent": #"""
{
  "@context": [
    "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
    {
      "assay": "https://ns.assay.dev/epcis/1#"
    }
  ],
  "type": "ObjectEvent",
  "eventTime": "2026-11-21T16:00:00+01:00",
  "eventTimeZoneOffset": "+01:00",
  "action": "OBSERVE",
  "bizStep": "shipping",
  "disposition": "in_transit",
  "epcList": [
    "https://id.gs1.org/01/04012345000016/21/SN-0001"
  ],
  "readPoint": {
    "id": "https://id.gs1.org/414/4012345000016"
  },
  "destinationList": [
    {
      "type": "owning_party",
      "destination": "https://id.gs1.org/417/4012345000023"
    }
  ]
}
"""#,
    ]
}
